"""The planned execution path: plain resolvers, planned field execution and whole-selection prefetch."""
