"""The built-in demo data set (`repofolio serve --demo`, the benchmarks) and its generator."""
