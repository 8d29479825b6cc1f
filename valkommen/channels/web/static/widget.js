/* Välkommen web widget: plain JavaScript, no build step.
 * Embed: <script src=".../widget.js" data-server="https://rasa.example" data-meeting-place="norrby"
 *         data-lang="sv" defer></script>
 * Talks to Rasa's REST channel; every interface string comes from strings.json (built from locales/).
 * Messages are rendered with textContent only: no HTML from a message is ever parsed.
 * The conversation is kept in sessionStorage (gone when the tab closes); a page that sets
 * data-keep-history="true" keeps it in localStorage for KEEP_HOURS after the last use. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__valkommenWidget) return;
  window.__valkommenWidget = true;

  var base = script.src.replace(/[^/]*$/, "");
  var server = (script.getAttribute("data-server") || "").replace(/\/+$/, "");
  var place = script.getAttribute("data-meeting-place") || null;
  var stringsUrl = script.getAttribute("data-strings") || base + "strings.json";
  var privacyUrl = script.getAttribute("data-privacy-url") || base + "privacy.html";
  var accessibilityUrl = script.getAttribute("data-accessibility-url") || base + "accessibility.html";
  var keepHistory = script.getAttribute("data-keep-history") === "true";
  var KEY = "valkommen:";
  var MAX_KEPT = 200;
  var KEEP_HOURS = 24;
  var MAX_QUEUED = 10;
  var URL_RE = /https?:\/\/[^\s<>"']+/g;
  /* Everything the widget keeps about a conversation, under KEY + name. */
  var CONVERSATION = ["session", "secret", "messages", "pending", "queue", "draft", "lang", "open", "noticed", "expires"];

  function storage(name) {
    try { var s = window[name]; s.setItem(KEY + "probe", "1"); s.removeItem(KEY + "probe"); return s; }
    catch (e) { return null; } // blocked storage: the conversation lives as long as the page
  }
  var local = storage("localStorage");
  var store = keepHistory ? local : storage("sessionStorage");

  function load(name, fallback) {
    try { var v = store && store.getItem(KEY + name); return v === null || v === undefined ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  }
  function save(name, value) {
    if (!store) return;
    try {
      store.setItem(KEY + name, JSON.stringify(value));
      if (keepHistory && name !== "expires") store.setItem(KEY + "expires", JSON.stringify(Date.now() + KEEP_HOURS * 3600000));
    } catch (e) { /* storage full or blocked */ }
  }
  function drop(where) {
    CONVERSATION.forEach(function (name) { try { where.removeItem(KEY + name); } catch (e) { /* blocked */ } });
  }
  /* Kept history expires KEEP_HOURS after the last use (shared computers); a conversation an older
     widget left in localStorage without an expiry is removed when this page does not keep history. */
  (function expire() {
    var expires = load("expires", null);
    if (keepHistory && store && expires !== null && Date.now() > expires) drop(store);
    if (!keepHistory && local) {
      try { if (local.getItem(KEY + "expires") === null && local.getItem(KEY + "session") !== null) drop(local); }
      catch (e) { /* blocked */ }
    }
  })();

  function randomBytes(n) {
    var bytes = new Uint8Array(n);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return bytes;
  }
  function randomId() {
    return Array.prototype.map.call(randomBytes(16), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  /* The conversation's erase secret: base64url of 32 random bytes (43 characters). The server keeps
     only its SHA-256; with it, and only with it, the conversation can be deleted (POST /privacy/erase). */
  function randomSecret() {
    return btoa(String.fromCharCode.apply(null, randomBytes(32))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  var state = {
    session: load("session", null) || randomId(),
    secret: load("secret", null) || randomSecret(),
    messages: load("messages", null) || [],
    pending: load("pending", null), // {text, title, extra}: sent, not yet answered
    queue: load("queue", null) || [], // {text, title, extra}: typed while an answer was on its way
    lang: load("lang", null),
    open: load("open", false),
    noticed: load("noticed", false), // the unreviewed-translation line was shown in this conversation
    busy: false,
    inflight: null,
    lastUser: null
  };
  save("session", state.session);
  save("secret", state.secret);

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
  function direction(code) {
    var l = language(code);
    return l ? l.direction : "ltr";
  }
  /* Every message says its language and direction (screen readers pick the voice, bidi the order). */
  function mark(node, code) {
    node.setAttribute("lang", code);
    node.setAttribute("dir", direction(code));
    return node;
  }
  function has(key) {
    var s = catalogue.strings;
    return !!((s[state.lang] && s[state.lang][key]) || (s[sourceLanguage()] && s[sourceLanguage()][key]));
  }
  function pageLink(url, key) {
    var a = el("a", "vk-page-link", t(key));
    a.href = url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(state.lang);
    a.target = "_blank";
    a.rel = "noopener";
    return a;
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
    ui.clear.textContent = t("web_erase");
    ui.typing.lastChild.textContent = t("web_typing");
    ui.select.value = state.lang;
    renderIntro();
    renderOutbox();
  }

  /* First contact: what this is (an automated assistant, the `disclosure` text of the locales) and
     where to read how data is handled. Always the top of the log; its text is changed in place on
     a language change, which the log (aria-relevant="additions") does not announce again. */
  function renderIntro() {
    var intro = ui.intro;
    intro.textContent = "";
    mark(intro, state.lang);
    if (has("disclosure")) intro.appendChild(el("p", "vk-intro-text", t("disclosure")));
    var links = el("p", "vk-intro-links");
    links.appendChild(pageLink(privacyUrl, "web_privacy_link"));
    links.appendChild(pageLink(accessibilityUrl, "web_accessibility_link"));
    intro.appendChild(links);
  }

  /* Messages typed while an answer is on its way: shown below the log, each marked as waiting. */
  function renderOutbox() {
    ui.outbox.textContent = "";
    state.queue.forEach(function (request) {
      var item = mark(el("div", "vk-msg vk-user vk-queued"), request.lang || state.lang);
      var bubble = el("p", "vk-bubble");
      bubble.appendChild(el("span", "vk-text", request.title)).dir = "auto";
      item.appendChild(bubble);
      item.appendChild(el("span", "vk-queued-label", t("web_queued")));
      ui.outbox.appendChild(item);
    });
    ui.outbox.hidden = state.queue.length === 0;
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
    var clear = el("button", "vk-clear vk-erase");
    clear.type = "button";
    langBox.appendChild(langLabel);
    langBox.appendChild(select);
    langBox.appendChild(clear);
    header.appendChild(title);
    header.appendChild(close);
    var log = el("div", "vk-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-labelledby", "vk-title");
    log.tabIndex = 0;
    var intro = el("div", "vk-intro");
    log.appendChild(intro);
    var outbox = el("div", "vk-outbox");
    outbox.hidden = true;
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
    panel.appendChild(outbox);
    panel.appendChild(form);
    panel.appendChild(status);
    root.appendChild(panel);
    root.appendChild(launcher);
    ui = { root: root, launcher: launcher, panel: panel, title: title, close: close, langLabel: langLabel, clear: clear,
      select: select, log: log, typing: typing, status: status, form: form, inputLabel: inputLabel,
      input: input, send: send, intro: intro, outbox: outbox, spacer: null };

    launcher.addEventListener("click", function () { setOpen(!state.open, true); });
    close.addEventListener("click", function () { setOpen(false, true); });
    clear.addEventListener("click", erase);
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
      if (!text || !sendMessage(text, null)) return; // a full outbox: the text stays in the box
      input.value = "";
      save("draft", "");
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
    keepFocusInSight();
    setOpen(state.open, false);
    flushErasures();
  }

  /* "Delete conversation": forgets it on this device at once (shared computers), then asks the
     server to delete its copy with the conversation's secret, and says which of the two happened.
     A request the server could not get is kept (only sender and secret, in localStorage) and sent
     again the next time the widget starts. A new conversation gets a new id and secret. */
  function erase() {
    var target = { sender: state.session, secret: state.secret };
    var inflight = state.inflight;
    rememberErasure(target);
    state.messages = [];
    state.pending = null;
    state.queue = [];
    state.noticed = false;
    state.busy = false;
    state.inflight = null;
    state.lastUser = null;
    state.session = randomId();
    state.secret = randomSecret();
    ["messages", "pending", "queue", "draft", "noticed"].forEach(function (name) { save(name, null); });
    save("session", state.session);
    save("secret", state.secret);
    Array.prototype.slice.call(ui.log.childNodes).forEach(function (node) {
      if (node !== ui.intro) ui.log.removeChild(node);
    });
    ui.typing.hidden = true;
    ui.input.value = "";
    clearFailure();
    renderOutbox();
    ui.input.focus();
    // A message still on its way would recreate the conversation on the server: delete after it.
    Promise.resolve(inflight).catch(function () {}).then(function () { return sendErasure(target); }).then(function (status) {
      var key = status === 204 ? "web_erase_done" : status === 404 ? "web_erase_nothing" : "web_erase_offline";
      var note = mark(el("p", "vk-system", t(key)), state.lang);
      ui.log.appendChild(note);
      scrollDown();
    });
  }
  function erasures() {
    try { return (local && JSON.parse(local.getItem(KEY + "erase") || "[]")) || []; } catch (e) { return []; }
  }
  function setErasures(list) {
    if (!local) return;
    try {
      if (list.length) local.setItem(KEY + "erase", JSON.stringify(list.slice(-10)));
      else local.removeItem(KEY + "erase");
    } catch (e) { /* blocked */ }
  }
  function rememberErasure(target) { setErasures(erasures().concat([target])); }
  /* POST {server}/privacy/erase; resolves with the status (204 deleted, 404 nothing there), 0 if
     the server could not be reached. Settled requests are forgotten, others kept for a later try. */
  function sendErasure(target) {
    return fetch(server + "/privacy/erase", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(target)
    }).then(function (response) { return response.status; }, function () { return 0; }).then(function (status) {
      if (status === 204 || status === 404) {
        setErasures(erasures().filter(function (e) { return e.sender !== target.sender; }));
      }
      return status;
    });
  }
  function flushErasures() { erasures().forEach(sendErasure); }

  /* Focus is never hidden behind the widget (WCAG 2.4.11): the page gets room below its content and
     scroll padding as tall as the widget, and focus on a part of the page that the open panel still
     covers (a narrow screen, where the panel fills it) closes the panel. */
  function keepFocusInSight() {
    var spacer = document.createElement("div");
    spacer.className = "vk-spacer";
    spacer.setAttribute("aria-hidden", "true");
    document.body.appendChild(spacer);
    ui.spacer = spacer;
    var fit = function () {
      var height = Math.ceil(ui.root.getBoundingClientRect().height) + 16;
      spacer.style.height = height + "px";
      document.documentElement.style.scrollPaddingBottom = height + "px";
    };
    if (window.ResizeObserver) new ResizeObserver(fit).observe(ui.root);
    window.addEventListener("resize", fit);
    fit();
    document.addEventListener("focusin", function (e) {
      var target = e.target;
      if (target && !ui.root.contains(target) && target.getBoundingClientRect) reveal(target, true);
    });
  }
  /* Scrolls the focused part of the page above the widget; if there is no room for it there, an
     open panel closes (the launcher is small: the spacer gives room above it). */
  function reveal(target, again) {
    var cover = (state.open ? ui.panel : ui.launcher).getBoundingClientRect();
    var r = target.getBoundingClientRect();
    if (!overlaps(r, cover)) return;
    var room = cover.top - 8;
    if (r.height <= room) {
      window.scrollBy(0, r.bottom - room);
      r = target.getBoundingClientRect();
      if (!overlaps(r, cover) && r.top >= 0) return;
    }
    if (state.open) {
      setOpen(false, false);
      target.scrollIntoView({ block: "nearest" });
      if (again) requestAnimationFrame(function () { reveal(target, false); });
    }
  }
  function overlaps(a, b) {
    return a.width > 0 && a.height > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
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

  /* One stored message -> DOM. Stored shape: {from: "user"|"bot", lang?, text?, buttons?, custom?,
     source?: {language, text} (the Swedish answer of an unreviewed translation), notice?, swedish?} */
  function renderMessage(m) {
    var item = mark(el("div", "vk-msg vk-" + m.from), m.lang || state.lang);
    if (m.from === "user") {
      var bubble = mark(el("p", "vk-bubble"), m.lang || state.lang);
      bubble.dir = "auto"; // typed text: its own letters decide
      bubble.appendChild(srOnly(t("web_you_said") + " "));
      bubble.appendChild(el("span", "vk-text", m.text)).dir = "auto";
      item.appendChild(bubble);
      return item;
    }
    if (m.text) {
      var answer = mark(el("div", "vk-bubble"), m.lang || state.lang);
      answer.appendChild(srOnly(t("web_bot_said") + " "));
      var body = answer.appendChild(el("div", "vk-text"));
      richText(body, m.text);
      answer.appendChild(copyButton(m.text));
      if (m.source && !m.swedish) answer.appendChild(swedishButton(m, item));
      item.appendChild(answer);
      if (m.notice) item.insertBefore(mark(el("p", "vk-note", t("web_unreviewed")), state.lang), answer);
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

  /* "Show in Swedish": the Swedish answer the server sent with an unreviewed translation, shown
     right after it (lang="sv"), without asking the server again. */
  function swedishButton(m, item) {
    var button = el("button", "vk-copy vk-swedish", t("web_show_swedish"));
    button.type = "button";
    button.addEventListener("click", function () {
      var shown = { from: "bot", lang: m.source.language, text: m.source.text, swedish: true };
      var at = state.messages.indexOf(m);
      m.swedish = true;
      if (at >= 0) state.messages.splice(at + 1, 0, shown);
      save("messages", state.messages);
      var node = renderMessage(shown);
      item.parentNode.insertBefore(node, item.nextSibling);
      button.parentNode.removeChild(button);
      var focus = node.querySelector(".vk-copy");
      if (focus) focus.focus();
    });
    return button;
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
    var message = { from: "bot", lang: state.lang, text: text };
    keep(message);
  }

  function keep(message) {
    state.messages.push(message);
    if (state.messages.length > MAX_KEPT) state.messages = state.messages.slice(-MAX_KEPT);
    save("messages", state.messages);
    var node = renderMessage(message);
    ui.log.appendChild(node);
    scrollDown();
    return node;
  }

  function metadata(extra) {
    var m = { channel: "web", language: state.lang, erase_secret: state.secret };
    if (place) m.meeting_place = place;
    for (var k in extra || {}) m[k] = extra[k];
    return m;
  }

  /* Sends text (a typed message or a button payload); shows `title` (or the text) as the user's bubble.
     While an answer is on its way (or a message failed), it waits in the outbox and goes after it.
     False when MAX_QUEUED messages already wait. */
  function sendMessage(text, title, extra) {
    var request = { text: text, title: title || text, extra: extra || null, lang: state.lang };
    if (state.busy || state.pending) {
      if (state.queue.length >= MAX_QUEUED) return false;
      state.queue.push(request);
      save("queue", state.queue);
      renderOutbox();
      scrollDown();
      announce(t("web_queued"));
      if (!state.busy && state.pending) post(state.pending); // a failed message goes first: try it again
      return true;
    }
    dispatch(request);
    return true;
  }
  function dispatch(request) {
    var message = { from: "user", lang: request.lang || state.lang, text: request.title };
    state.lastUser = { message: message, node: keep(message) };
    post(request);
  }
  /* The next waiting message, once the previous one is answered. */
  function next() {
    if (state.busy || state.pending || !state.queue.length) return;
    var request = state.queue.shift();
    save("queue", state.queue);
    renderOutbox();
    dispatch(request);
  }

  /* The language message of a reply ({language, direction} and nothing else), or null. */
  function replyLanguage(r) {
    var c = r && r.custom;
    if (!c || typeof c.language !== "string" || typeof c.direction !== "string") return null;
    return Object.keys(c).length === 2 ? c : null;
  }

  /* The Swedish answer sent with an unreviewed machine translation (actions/answers.py), or null. */
  function unreviewed(r) {
    var u = r && r.custom && r.custom.unreviewed_translation;
    return u && typeof u.text === "string" && typeof u.language === "string" ? u : null;
  }

  function post(request) {
    var sender = state.session;
    state.busy = true;
    state.pending = request;
    save("pending", request);
    clearFailure();
    ui.typing.hidden = false;
    scrollDown();
    // ?sender= lets a load balancer keep the conversation on one Rasa replica (docs/deploy.md).
    state.inflight = fetch(server + "/webhooks/rest/webhook?sender=" + encodeURIComponent(sender), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: request.text, metadata: metadata(request.extra) })
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (replies) {
      if (sender !== state.session) return; // the conversation was deleted meanwhile
      state.busy = false;
      state.inflight = null;
      state.pending = null;
      save("pending", null);
      ui.typing.hidden = true;
      replies = Array.isArray(replies) ? replies : [];
      /* Every reply ends with {custom: {language, direction}} (valkommen/core/reply_language.py):
         the interface follows the language the assistant answered in, before the answer is shown. */
      var said = null;
      replies.forEach(function (r) { var l = replyLanguage(r); if (l && language(l.language)) said = l; });
      if (said) {
        state.lang = said.language;
        save("lang", state.lang);
        applyChrome();
        if (state.lastUser) { // the language the assistant read the user's message in
          state.lastUser.message.lang = said.language;
          state.lastUser.node.setAttribute("lang", said.language);
          state.lastUser.node.setAttribute("dir", said.direction);
          save("messages", state.messages);
        }
      }
      var shown = [];
      replies.forEach(function (r) {
        if (!r || typeof r !== "object" || replyLanguage(r)) return;
        var source = unreviewed(r);
        if (source) { // belongs to the answer just before it
          if (shown.length) shown[shown.length - 1].source = { language: source.language, text: source.text };
          return;
        }
        if (!r.text && !r.buttons && !r.custom) return;
        shown.push({ from: "bot", lang: state.lang, text: r.text || null, buttons: r.buttons || null, custom: r.custom || null });
      });
      var first = null;
      shown.forEach(function (m) {
        if (m.source && !state.noticed) { // once per conversation
          m.notice = true;
          state.noticed = true;
          save("noticed", true);
        }
        var node = keep(m);
        first = first || node;
      });
      if (first) { // a long answer is read from its start: show that rather than its end
        var top = first.getBoundingClientRect().top - ui.log.getBoundingClientRect().top;
        if (top < 0) ui.log.scrollTop += top - 8;
      }
      next();
    }).catch(function () {
      if (sender !== state.session) return;
      state.busy = false;
      state.inflight = null;
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
