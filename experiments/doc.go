// Package experiments reads the TOML experiment specifications shipped in this
// directory and runs them end to end. (Being built: see issue 7.)
package experiments
