"""Generated bad inputs: every YAML file kind, every table column and every command-line
argument, corrupted the ways people and programs corrupt them. Each must give exit
status 2 and a message naming the file, the line or row, and the field — never an
internal error, never a traceback, never a silent success."""
