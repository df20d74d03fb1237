"""Views, one module per area of the product; each view reads top to bottom."""
