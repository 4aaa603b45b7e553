using System.CommandLine;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Out of memory and overflow, wherever they happen in a command, become one line naming the files the command
/// was working on (issue 13, point 3), not a stack trace.</summary>
public class OutOfMemoryLineTests
{
    [Theory]
    [InlineData(typeof(OutOfMemoryException), "out of memory working on")]
    [InlineData(typeof(OverflowException), "arithmetic overflow working on")]
    public void Becomes_one_line_naming_the_commands_files(Type thrown, string words)
    {
        using var folder = new TempFolder();
        var model = folder.Write("m.ckpt", "not really a model");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr);
        var command = new Command("load");
        var option = new Option<string>("--model");
        command.Options.Add(option);
        context.SetAction(command, _ => throw (Exception)Activator.CreateInstance(thrown)!);
        var root = new RootCommand { command };
        int code = root.Parse(["load", "--model", model]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        Assert.Equal(1, code);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("np load: error: ", line);
        Assert.Contains($"{words} {model}", line);
    }
}
