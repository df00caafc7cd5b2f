def main() -> None:
    print("gomodpub")
