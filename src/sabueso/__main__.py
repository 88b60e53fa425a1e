from sabueso.cli.main import main

main()
