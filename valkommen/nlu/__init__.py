"""Custom Rasa NLU components and the plain logic behind them."""
