/* Välkommen web widget: plain JavaScript, no build step.
 * Embed: <script src=".../widget.js" data-server="https://rasa.example" data-meeting-place="norrby"
 *         data-lang="sv" defer></script>
 * Talks to Rasa's REST channel; every interface string comes from strings.json (built from locales/).
 * Messages are rendered with textContent only: no HTML from a message is ever parsed. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__valkommenWidget) return;
  window.__valkommenWidget = true;

  var base = script.src.replace(/[^/]*$/, "");
  var server = (script.getAttribute("data-server") || "").replace(/\/+$/, "");
  var place = script.getAttribute("data-meeting-place") || null;
  var stringsUrl = script.getAttribute("data-strings") || base + "strings.json";
  var KEY = "valkommen:";
  var MAX_KEPT = 200;
  var URL_RE = /https?:\/\/[^\s<>"']+/g;

  function load(name, fallback) {
    try { var v = localStorage.getItem(KEY + name); return v === null ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var state = {
    session: load("session", null) || randomId(),
    messages: load("messages", null) || [],
    pending: load("pending", null), // {text, title, metadata} not yet answered
    lang: load("lang", null),
    open: load("open", false),
    busy: false
  };
  save("session", state.session);

  // strings.json: {languages: [{code, name, direction}], source: code, aliases: {tag: code},
  // strings: {code: {key: text}}}; everything the widget knows about languages comes from it.
  var catalogue = null;
  var ui = {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function t(key) {
    var s = catalogue.strings;
    var source = s[sourceLanguage()];
    return (s[state.lang] && s[state.lang][key]) || (source && source[key]) || key;
  }
  function language(code) {
    for (var i = 0; i < catalogue.languages.length; i++) {
      if (catalogue.languages[i].code === code) return catalogue.languages[i];
    }
    return null;
  }
  function sourceLanguage() {
    return catalogue.source || catalogue.languages[0].code;
  }
  function pickLanguage(hint) {
    var tag = String(hint || "").toLowerCase().replace(/_/g, "-");
    if (language(tag)) return tag;
    var aliases = catalogue.aliases || {};
    var main = tag.split("-")[0];
    main = Object.prototype.hasOwnProperty.call(aliases, main) ? aliases[main] : main;
    return language(main) ? main : sourceLanguage();
  }

  /* Text with http(s) links: text nodes and <a> elements, never HTML. */
  function richText(parent, text) {
    var last = 0;
    String(text).replace(URL_RE, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", null, url);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(String(text).slice(last)));
    return parent;
  }
  function srOnly(text) { return el("span", "vk-sr", text); }
  function announce(text) {
    ui.status.textContent = "";
    setTimeout(function () { ui.status.textContent = text; }, 50);
  }

  function applyChrome() {
    var lang = language(state.lang) || { direction: "ltr" };
    ui.root.setAttribute("lang", state.lang);
    ui.root.setAttribute("dir", lang.direction);
    ui.root.setAttribute("aria-label", t("web_title"));
    ui.launcher.textContent = t("web_open");
    ui.title.textContent = t("web_title");
    ui.close.setAttribute("aria-label", t("web_close"));
    ui.close.title = t("web_close");
    ui.langLabel.textContent = t("web_language");
    ui.inputLabel.textContent = t("web_input_label");
    ui.input.placeholder = t("web_placeholder");
    ui.send.textContent = t("web_send");
    ui.clear.textContent = t("web_clear");
    ui.typing.lastChild.textContent = t("web_typing");
    ui.select.value = state.lang;
  }

  function build() {
    var root = el("aside", "vk-widget");
    root.id = "valkommen-widget";
    var launcher = el("button", "vk-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "vk-panel");
    var panel = el("section", "vk-panel");
    panel.id = "vk-panel";
    panel.hidden = true;
    panel.setAttribute("aria-labelledby", "vk-title");
    var header = el("div", "vk-header");
    var title = el("h2", "vk-title");
    title.id = "vk-title";
    var close = el("button", "vk-close", "×");
    close.type = "button";
    var langLabel = el("label", "vk-lang-label");
    langLabel.setAttribute("for", "vk-lang");
    var select = el("select", "vk-lang");
    select.id = "vk-lang";
    catalogue.languages.forEach(function (l) {
      var option = el("option", null, l.name);
      option.value = l.code;
      option.lang = l.code;
      select.appendChild(option);
    });
    var langBox = el("div", "vk-lang-box");
    var clear = el("button", "vk-clear");
    clear.type = "button";
    langBox.appendChild(langLabel);
    langBox.appendChild(select);
    langBox.appendChild(clear);
    header.appendChild(title);
    header.appendChild(close);
    var log = el("div", "vk-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-labelledby", "vk-title");
    log.tabIndex = 0;
    var typing = el("div", "vk-typing");
    typing.hidden = true;
    typing.setAttribute("aria-hidden", "true");
    typing.appendChild(el("span", "vk-dots", "• • •"));
    typing.appendChild(el("span", "vk-typing-text"));
    var status = el("div", "vk-sr");
    status.setAttribute("role", "status");
    var form = el("form", "vk-form");
    var inputLabel = el("label", "vk-sr");
    inputLabel.setAttribute("for", "vk-input");
    var input = el("textarea", "vk-input");
    input.id = "vk-input";
    input.rows = 1;
    input.maxLength = 2000;
    var send = el("button", "vk-send");
    send.type = "submit";
    form.appendChild(inputLabel);
    form.appendChild(input);
    form.appendChild(send);
    panel.appendChild(header);
    panel.appendChild(langBox);
    panel.appendChild(log);
    panel.appendChild(typing);
    panel.appendChild(form);
    panel.appendChild(status);
    root.appendChild(panel);
    root.appendChild(launcher);
    ui = { root: root, launcher: launcher, panel: panel, title: title, close: close, langLabel: langLabel, clear: clear,
      select: select, log: log, typing: typing, status: status, form: form, inputLabel: inputLabel,
      input: input, send: send };

    launcher.addEventListener("click", function () { setOpen(!state.open, true); });
    close.addEventListener("click", function () { setOpen(false, true); });
    clear.addEventListener("click", forget);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && state.open) { setOpen(false, true); }
    });
    select.addEventListener("change", function () {
      state.lang = select.value;
      save("lang", state.lang);
      applyChrome();
      sendMessage('/change_language{"language":"' + state.lang + '"}', language(state.lang).name);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text || state.busy) return;
      input.value = "";
      save("draft", "");
      sendMessage(text, null);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    input.addEventListener("input", function () { save("draft", input.value); });
    input.value = load("draft", "") || "";

    applyChrome();
    state.messages.forEach(function (m) { ui.log.appendChild(renderMessage(m)); });
    if (state.pending) showFailure(state.pending);
    document.body.appendChild(root);
    setOpen(state.open, false);
  }

  /* Forgets the conversation on this device (shared computers at the meeting places): new session id. */
  function forget() {
    state.messages = [];
    state.pending = null;
    state.session = randomId();
    ["messages", "pending", "draft"].forEach(function (name) { save(name, null); });
    save("session", state.session);
    ui.log.textContent = "";
    ui.input.value = "";
    clearFailure();
    announce(t("web_cleared"));
    ui.input.focus();
  }

  function setOpen(open, moveFocus) {
    state.open = open;
    save("open", open);
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      scrollDown();
      if (moveFocus) ui.input.focus();
    } else if (moveFocus) {
      ui.launcher.focus();
    }
  }
  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  /* One stored message -> DOM. Stored shape: {from: "user"|"bot", text?, buttons?, custom?, failed?} */
  function renderMessage(m) {
    var item = el("div", "vk-msg vk-" + m.from);
    if (m.from === "user") {
      var bubble = el("p", "vk-bubble");
      bubble.appendChild(srOnly(t("web_you_said") + " "));
      bubble.appendChild(el("span", "vk-text", m.text)).dir = "auto";
      item.appendChild(bubble);
      return item;
    }
    if (m.text) {
      var answer = el("div", "vk-bubble");
      answer.appendChild(srOnly(t("web_bot_said") + " "));
      var body = answer.appendChild(el("div", "vk-text"));
      body.dir = "auto"; // a message may be in another language than the interface
      richText(body, m.text);
      answer.appendChild(copyButton(m.text));
      item.appendChild(answer);
    }
    if (m.custom && m.custom.venue) item.appendChild(venueCard(m.custom.venue));
    if (m.custom && m.custom.request_location) item.appendChild(locationRequest(m.custom.request_location));
    if (m.buttons && m.buttons.length) {
      var replies = el("div", "vk-replies");
      m.buttons.forEach(function (b) {
        var button = el("button", "vk-reply", b.title);
        button.type = "button";
        button.addEventListener("click", function () { sendMessage(b.payload, b.title); });
        replies.appendChild(button);
      });
      item.appendChild(replies);
    }
    return item;
  }

  function copyButton(text) {
    var canShare = typeof navigator.share === "function";
    var button = el("button", "vk-copy", canShare ? t("web_share") : t("web_copy"));
    button.type = "button";
    button.addEventListener("click", function () {
      if (canShare) {
        navigator.share({ text: text }).catch(function () {});
        return;
      }
      var done = function () { announce(t("web_copied")); button.textContent = t("web_copied"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      }
    });
    return button;
  }

  /* The venue payload: name, district, official page and a map link. Coordinates are never
   * printed; an address only when the data has a verified one. */
  function venueCard(v) {
    var card = el("div", "vk-card");
    card.setAttribute("role", "group");
    card.setAttribute("aria-label", v.name || "");
    card.appendChild(el("h3", "vk-card-title", v.name));
    if (v.district) card.appendChild(el("p", "vk-card-line", v.district));
    if (v.address && v.precision === "exact") {
      card.appendChild(el("p", "vk-card-line", t("web_address") + ": " + v.address));
    }
    var links = el("p", "vk-card-links");
    var map = v.map_url && /^https?:\/\//.test(v.map_url) ? v.map_url : null;
    if (map) {
      var a = el("a", "vk-card-map", t("web_map"));
      a.href = map; a.target = "_blank"; a.rel = "noopener noreferrer";
      links.appendChild(a);
    }
    if (v.url && /^https?:\/\//.test(v.url)) {
      var o = el("a", "vk-card-url", t("web_official_page"));
      o.href = v.url; o.target = "_blank"; o.rel = "noopener noreferrer";
      links.appendChild(o);
    }
    card.appendChild(links);
    if (v.precision !== "exact") card.appendChild(el("p", "vk-card-note", t("web_approximate")));
    return card;
  }

  function locationRequest(r) {
    var box = el("div", "vk-locate");
    if (r.text) box.appendChild(el("p", "vk-locate-text", r.text)).dir = "auto";
    var button = el("button", "vk-reply vk-locate-button", r.button || "📍 " + t("web_location_shared"));
    button.type = "button";
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { announceError(t("web_location_error")); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        sendMessage("/share_location", "📍 " + t("web_location_shared"),
          { location: { lat: pos.coords.latitude, lon: pos.coords.longitude } });
      }, function () { announceError(t("web_location_error")); }, { timeout: 15000, maximumAge: 600000 });
    });
    box.appendChild(button);
    return box;
  }
  function announceError(text) {
    var message = { from: "bot", text: text };
    keep(message);
  }

  function keep(message) {
    state.messages.push(message);
    if (state.messages.length > MAX_KEPT) state.messages = state.messages.slice(-MAX_KEPT);
    save("messages", state.messages);
    ui.log.appendChild(renderMessage(message));
    scrollDown();
  }

  function metadata(extra) {
    var m = { channel: "web", language: state.lang };
    if (place) m.meeting_place = place;
    for (var k in extra || {}) m[k] = extra[k];
    return m;
  }

  /* Sends text (a typed message or a button payload); shows `title` (or the text) as the user's bubble. */
  function sendMessage(text, title, extra) {
    if (state.busy) return;
    var request = { text: text, title: title || text, metadata: metadata(extra) };
    keep({ from: "user", text: request.title });
    post(request);
  }

  /* The language message of a reply ({language, direction} and nothing else), or null. */
  function replyLanguage(r) {
    var c = r && r.custom;
    if (!c || typeof c.language !== "string" || typeof c.direction !== "string") return null;
    return Object.keys(c).length === 2 ? c : null;
  }

  function post(request) {
    state.busy = true;
    state.pending = request;
    save("pending", request);
    clearFailure();
    ui.typing.hidden = false;
    scrollDown();
    // ?sender= lets a load balancer keep the conversation on one Rasa replica (docs/deploy.md).
    fetch(server + "/webhooks/rest/webhook?sender=" + encodeURIComponent(state.session), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.session, message: request.text, metadata: request.metadata })
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (replies) {
      state.busy = false;
      state.pending = null;
      save("pending", null);
      ui.typing.hidden = true;
      (Array.isArray(replies) ? replies : []).forEach(function (r) {
        if (!r || (!r.text && !r.buttons && !r.custom)) return;
        if (replyLanguage(r)) return;
        keep({ from: "bot", text: r.text || null, buttons: r.buttons || null, custom: r.custom || null });
      });
      (Array.isArray(replies) ? replies : []).forEach(function (r) {
        /* Every reply ends with {custom: {language, direction}} (valkommen/core/reply_language.py):
           the interface follows the language the assistant answered in. */
        var said = replyLanguage(r);
        if (!said || !language(said.language)) return;
        state.lang = said.language;
        save("lang", state.lang);
        applyChrome();
        ui.root.setAttribute("dir", said.direction);
      });
    }).catch(function () {
      state.busy = false;
      ui.typing.hidden = true;
      showFailure(request);
    });
  }

  function clearFailure() {
    var old = ui.panel.querySelector(".vk-error");
    if (old) old.parentNode.removeChild(old);
  }
  /* The server could not be reached: the message stays (here and in localStorage) with a retry button. */
  function showFailure(request) {
    clearFailure();
    var box = el("div", "vk-error");
    box.setAttribute("role", "alert");
    box.appendChild(el("p", null, t("web_not_sent") + ": “" + request.title + "”"));
    box.appendChild(el("p", null, t("web_unreachable")));
    var retry = el("button", "vk-retry", t("web_retry"));
    retry.type = "button";
    retry.addEventListener("click", function () { post(request); ui.input.focus(); });
    box.appendChild(retry);
    ui.panel.insertBefore(box, ui.form);
  }

  function start(data) {
    catalogue = data;
    state.lang = pickLanguage(state.lang || script.getAttribute("data-lang") || document.documentElement.lang);
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base + "widget.css";
    css.onload = css.onerror = function () { css.onload = css.onerror = null; build(); };
    document.head.appendChild(css);
  }

  function init() {
    fetch(stringsUrl).then(function (r) { return r.json(); }).then(start).catch(function () {
      /* Without strings there is no interface to show; the page stays as it is. */
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
