namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One result row of docs/EXPERIMENTS.md: the exact <c>np train</c> command it was measured with and the final test
/// accuracy it documents.</summary>
/// <param name="Id">What the doc calls the row ("nielsen 5", "recipe lenet5 --data mnist", "cnn resnet fashion-mnist"):
/// the long tier's case name, so <c>--filter "DisplayName~nielsen 5"</c> runs one row.</param>
/// <param name="Arguments">The command's arguments after <c>np</c>, shell variables expanded, its --out kept as written.</param>
/// <param name="Percent">The documented final test accuracy, in percent.</param>
public sealed record DocumentedRun(string Id, string Section, IReadOnlyList<string> Arguments, double Percent)
{
    /// <summary>True when the run reads Fashion-MNIST (Debian's copy, which CI does not have).</summary>
    public bool NeedsFashionMnist => Arguments.Any(a => a.Contains("fashion-mnist", StringComparison.Ordinal));

    /// <summary>The value of the command's <c>--data</c>.</summary>
    public string Data => Arguments.ToList().IndexOf("--data") is int at && at >= 0 && at + 1 < Arguments.Count
        ? Arguments[at + 1] : throw new InvalidOperationException($"{CommandLine} has no --data.");

    /// <summary>The command line as the doc gives it (for failure messages).</summary>
    public string CommandLine => "np " + string.Join(' ', Arguments);

    /// <summary>The arguments to run here: the checkpoint (and the curves beside it) go to <paramref name="folder"/>.</summary>
    public string[] ArgumentsWritingTo(string folder)
    {
        var args = Arguments.ToList();
        int at = args.IndexOf("--out");
        if (at >= 0) args.RemoveRange(at, 2);
        return [.. args, "--out", CheckpointIn(folder)];
    }

    /// <summary>As <see cref="ArgumentsWritingTo"/>, with the checkpoint that <c>--resume</c> names also taken from
    /// <paramref name="folder"/> (where the run it continues wrote it).</summary>
    public string[] ArgumentsResumingIn(string folder)
    {
        var args = ArgumentsWritingTo(folder);
        int at = Array.IndexOf(args, "--resume");
        if (at < 0) throw new InvalidOperationException($"{CommandLine} has no --resume.");
        args[at + 1] = Path.Combine(folder, Path.GetFileName(args[at + 1]));
        return args;
    }

    /// <summary>Where <see cref="ArgumentsWritingTo"/> puts the checkpoint: the doc's file name, in <paramref name="folder"/>.</summary>
    public string CheckpointIn(string folder)
    {
        int at = Arguments.ToList().IndexOf("--out");
        return Path.Combine(folder, at >= 0 ? Path.GetFileName(Arguments[at + 1]) : "run.ckpt");
    }

    public override string ToString() => Id;
}
