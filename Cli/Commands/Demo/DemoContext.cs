using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>What a demo step gets: where to write, where to talk, and a list that records every file written.</summary>
/// <param name="declared">The file names the steps declare (<see cref="DemoStep.Files"/>), the only ones <see cref="PathFor"/> gives.</param>
public sealed class DemoContext(string outputFolder, IAnsiConsole console, IReadOnlySet<string> declared)
{
    private readonly List<string> _written = [];

    public string OutputFolder { get; } = outputFolder;
    public IAnsiConsole Console { get; } = console;
    public IReadOnlyList<string> Written => _written;

    /// <summary>The path for an output file in the demo folder (the step writes it, then calls <see cref="Wrote"/>).</summary>
    /// <exception cref="InvalidOperationException">A step writes a file it did not declare, which the demo did not check.</exception>
    public string PathFor(string fileName) => declared.Contains(fileName)
        ? Path.Combine(OutputFolder, fileName)
        : throw new InvalidOperationException($"demo step writes {fileName}, which is not among the files the steps declare (DemoStep.Files).");

    public void Wrote(string path, string what)
    {
        _written.Add(path);
        Console.MarkupLineInterpolated($"  [green]wrote[/] {Path.GetFileName(path)}: {what}");
    }

    /// <summary>Results that earlier steps leave for later ones (e.g. a saved model to score).</summary>
    public Dictionary<string, object> Shared { get; } = [];
}
