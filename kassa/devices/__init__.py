"""The till's hardware: the receipt printer (ESC/POS) and the cash drawer it drives."""
