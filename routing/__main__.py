from routing.cli import main

main(prog_name="routing")
