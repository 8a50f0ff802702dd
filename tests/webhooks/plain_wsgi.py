"""The smallest WSGI application, for running gunicorn with the project's access logger in a test."""


def application(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
