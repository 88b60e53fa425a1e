"""Court-ready capture of web pages (issue 7): WARC, screenshot, PDF, DOM, text, record."""
