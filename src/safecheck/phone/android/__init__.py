"""An Android phone over USB with adb, read-only."""
