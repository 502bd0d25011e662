{ name = "from-with-import"; tag = "5"; }
