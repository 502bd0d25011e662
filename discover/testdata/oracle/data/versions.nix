{ name = "imported"; tag = "9"; }
