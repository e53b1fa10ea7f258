"""What each command does, as one library function: prepare the dossier (load → render), build it,
export it, write the site and the tables, preview it. The CLI calls these and nothing below them."""
