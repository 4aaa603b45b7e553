using System.CommandLine;

namespace NeuralPipelines.Cli;

/// <summary>One top-level <c>np</c> command. Implementations are found by reflection: adding a command touches no other file.</summary>
public interface ICliCommand
{
    /// <summary>The command's name as typed (sorts the help listing).</summary>
    string Name { get; }

    Command Create(CliContext context);
}
