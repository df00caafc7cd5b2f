"""gomodpub: publish Go modules to a private Go module registry."""
