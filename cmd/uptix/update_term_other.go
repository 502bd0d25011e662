//go:build !unix

package main

import "os"

// termWidth returns 0: progress bars are shown on Unix terminals only.
func termWidth(f *os.File) int { return 0 }
