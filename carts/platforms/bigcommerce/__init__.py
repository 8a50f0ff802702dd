"""BigCommerce: its HTTP client (no Django), and the adapter that serves the StorePlatform protocol with it."""
