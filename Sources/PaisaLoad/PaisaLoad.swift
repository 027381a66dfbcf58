// The load generator.
