using System.Runtime.CompilerServices;

// The signal clean-up's ending state (TempFiles.CleanUpForSignal, WaitForTheEnd) is driven by tests without a signal.
[assembly: InternalsVisibleTo("NeuralPipelines.Data.Tests")]
