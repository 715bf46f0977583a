"""Templates and static files of the web interface, shipped inside the package."""
