"""The storefront: stores and their settings, the catalog, the course a seat becomes."""
