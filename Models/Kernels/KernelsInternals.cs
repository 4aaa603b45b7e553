using System.Runtime.CompilerServices;

// The kernel tests read diagnostics that are no part of the public surface (e.g. the GEMM workers' allocations).
[assembly: InternalsVisibleTo("NeuralPipelines.Models.Tests")]

// The micro-kernel probe in Benchmarks/ times the GEMM tiles one by one, on packed data that stays in L1.
[assembly: InternalsVisibleTo("NeuralPipelines.Benchmarks")]
