print("paisa-load")
