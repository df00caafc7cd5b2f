from gomodpub.cli import main

main()
