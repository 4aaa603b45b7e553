using System.CommandLine;
using System.Reflection;

namespace NeuralPipelines.Cli;

/// <summary>The <c>np</c> entry point: finds every <see cref="ICliCommand"/> in this assembly and runs the one asked for.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        RuntimePipes.RemoveOnSignal(Path.GetTempPath());
        // np's signals end it once the temp files are deleted: no temp file may be made after that (see the property).
        NeuralPipelines.Data.IO.TempFiles.SignalsEndTheProcess = true;
        using var scratch = ProcessScratch.Enter();
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs one command line with the given streams (tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var culture = CommandLineCulture.Enter();
        var context = new CliContext(stdout, stderr);
        var parse = Root(context).Parse(args);
        if (ParseErrorLine.For(parse) is { } line)
        {
            stderr.WriteLine(line);
            return 1;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return parse.Invoke(config);
    }

    /// <summary>Every command, with its options, as the command line and its help see them (tests read the documents
    /// against it).</summary>
    public static RootCommand Root(CliContext context)
    {
        var root = new RootCommand("np: train, evaluate, export and score machine-learning models in .NET (NeuralPipelines).");
        foreach (var command in Discover().OrderBy(c => c.Name))
            root.Subcommands.Add(command.Create(context));
        return root;
    }

    private static IEnumerable<ICliCommand> Discover() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICliCommand)Activator.CreateInstance(t)!);
}
