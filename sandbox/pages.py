"""What the storefront and admin pages share: the layout, money as shown, form parsing and redirects."""

from html import escape
from urllib.parse import parse_qs, urlencode

Page = tuple[int, str, dict[str, str]]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
.notice{padding:.8rem;border-radius:.3rem;margin:1rem 0}.error{background:#fde8e8;color:#8a1f1f}
.success{background:#e6f6ea;color:#1d5e2c}input[type=number]{width:5rem}nav a{margin-right:1rem}
.number{text-align:right}
"""
_NAVIGATION = (("/storefront/", "Storefront"), ("/admin/", "Admin: orders"), ("/admin/inventory", "Inventory"),
               ("/admin/webhooks", "Webhooks"))


def layout(title: str, content: str) -> str:
    """A whole page: navigation, title and content (already escaped HTML)."""
    links = "".join(f"<a href='{href}'>{label}</a>" for href, label in _NAVIGATION)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)} — Sandbox store</title>"
            f"<style>{_STYLE}</style></head><body><nav>{links}</nav><h1>{escape(title)}</h1>{content}</body></html>")


def money(amount: object, currency: str = "USD") -> str:
    """An amount as a page shows it: 'USD 1,234.50'."""
    return f"{currency} {float(amount):,.2f}"


def fields(encoded: str) -> dict[str, str]:
    """A query string or form body as {name: last value}."""
    return {name: values[-1] for name, values in parse_qs(encoded, keep_blank_values=True).items()}


def notice(query: dict[str, str]) -> str:
    """The message a redirect after a change carries (?done=...), or nothing."""
    return f"<p class='notice success' role='status'>{escape(query['done'])}</p>" if query.get("done") else ""


def redirect(path: str, done: str) -> Page:
    """303 to a page that shows what was done."""
    return 303, "", {"Location": f"{path}?{urlencode({'done': done})}"}


def bad_request(message: str, back: str) -> Page:
    """400 with what is wrong and a link back."""
    return 400, layout("That did not work", f"<p class='notice error' role='alert'>{escape(message)}</p>"
                                            f"<p><a href='{escape(back)}'>Back</a></p>"), {}
