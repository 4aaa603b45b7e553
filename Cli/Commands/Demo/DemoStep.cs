using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>One step of <c>np demo</c>: does a piece of the project's main job on shipped data, says what it did, names what it wrote.</summary>
/// <remarks>The demo is just the list in <see cref="DemoCommand.Steps"/>; a new capability joins it as one more small class.</remarks>
public abstract class DemoStep
{
    /// <summary>A short key for the JSON output, e.g. "diabetes-regression".</summary>
    public abstract string Name { get; }

    /// <summary>One line saying what the step does.</summary>
    public abstract string Title { get; }

    /// <summary>The files the step writes in the demo folder and what each holds: the demo checks them all before step 1
    /// (a read-only file, a model of another kind), so that it never stops halfway with the first steps' files rewritten.</summary>
    public abstract IReadOnlyList<(string Name, OutputContent Writes)> Files { get; }

    /// <summary>Runs the step; returns the figures worth reporting (serialised under the step's name in --json).</summary>
    public abstract object Run(DemoContext context);
}
