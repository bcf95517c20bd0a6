"""Static files that ship with pirisk: locale strings, fonts, the stylesheet (a package so that they are found by importlib.resources)."""
