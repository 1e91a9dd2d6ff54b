"""Developer tooling: building the Pulumi CLI and running it offline for tests, demo and benchmarks."""
