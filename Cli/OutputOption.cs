namespace NeuralPipelines.Cli;

/// <summary>One output option of a command, for <see cref="Outputs.Check"/>: the option's name (for messages), the path
/// given, and what the command writes there.</summary>
public readonly record struct OutputOption(string Option, string? Path, OutputContent Writes);
