from gomodpub.entry import main

main()
