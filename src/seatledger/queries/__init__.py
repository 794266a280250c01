"""Read models: page-shaped reads for the web console and portal, one read per page."""
