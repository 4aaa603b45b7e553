using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>What a demo step gets: where to write, where to talk, and a list that records every file written.</summary>
public sealed class DemoContext(string outputFolder, IAnsiConsole console)
{
    private readonly List<string> _written = [];

    public string OutputFolder { get; } = outputFolder;
    public IAnsiConsole Console { get; } = console;
    public IReadOnlyList<string> Written => _written;

    /// <summary>The path for an output file in the demo folder (the step writes it, then calls <see cref="Wrote"/>).</summary>
    public string PathFor(string fileName) => Path.Combine(OutputFolder, fileName);

    public void Wrote(string path, string what)
    {
        _written.Add(path);
        Console.MarkupLineInterpolated($"  [green]wrote[/] {Path.GetFileName(path)}: {what}");
    }

    /// <summary>Results that earlier steps leave for later ones (e.g. a saved model to score).</summary>
    public Dictionary<string, object> Shared { get; } = [];
}
