"""Twine interchange: Twee 3 text and Twine 2 HTML, read and written per the published specifications."""
