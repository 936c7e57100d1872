package peerctl.acme_test

# Test files in user directories are not loaded as policy: this one would
# not even parse.
this is not rego
