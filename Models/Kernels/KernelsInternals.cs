using System.Runtime.CompilerServices;

// The kernel tests read diagnostics that are no part of the public surface (e.g. the GEMM workers' allocations).
[assembly: InternalsVisibleTo("NeuralPipelines.Models.Tests")]
