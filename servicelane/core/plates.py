"""Number plates are searched without their separators: ``FR-AB 123`` → ``FRAB123``."""


def normalise_plate(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())
