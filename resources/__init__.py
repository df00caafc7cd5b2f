"""Icons, style sheets and the desktop entry, shipped inside the package."""
