namespace NeuralPipelines.Models.Training;

/// <summary>A training option out of its range. The same rule is set from code (a property of an options record:
/// <c>Epochs</c>) and from the command line (<c>--epochs</c>), so the exception carries both names: its
/// <see cref="Exception.Message"/> names the property, as a library caller set it, and <see cref="CommandLineMessage"/>
/// the option, as np's user gave it.</summary>
/// <param name="property">The property as code sets it, e.g. "Epochs".</param>
/// <param name="option">The command line's option, e.g. "--epochs".</param>
/// <param name="rule">The rest of the sentence after the name, e.g. "must be at least 1, got 0.".</param>
public sealed class OptionRangeException(string property, string option, string rule) : ArgumentException($"{property} {rule}")
{
    public string Property { get; } = property;

    public string Option { get; } = option;

    /// <summary>The message with the command line's option in place of the property.</summary>
    public string CommandLineMessage { get; } = $"{option} {rule}";
}
