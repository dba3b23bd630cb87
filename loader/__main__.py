from loader.cli import entry

entry()
