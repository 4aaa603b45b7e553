using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>The classifier generated images are judged by: the zoo's LeNet-5 (<c>np train lenet5</c>). Any classifier can be
/// read out (<see cref="ClassifierReadout"/>), but the figures are named after LeNet-5 ("LeNet FID" over its 84 penultimate
/// features) and compared with the documented ones (docs/EXPERIMENTS.md); another network's features (an MLP's 100 hidden
/// units) would give a number under that name that means something else (audit H10), so another classifier is refused.</summary>
public static class LeNetJudge
{
    private static readonly string Name = new LeNet5().Name;

    private const string Needed = "generated images are judged by a LeNet-5's classes and its 84 penultimate features (LeNet FID): " +
                                  "give one trained on the same data (np train lenet5 --data …).";

    /// <summary>The LeNet-5 in the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not a classifier, or a classifier other than LeNet-5; the message names the
    /// file, what it holds, and what is needed.</exception>
    public static ClassifierModel Load(string path)
    {
        var content = CheckpointFile.Load(path);
        if (content.Kind != ClassifierCheckpoint.Kind)
            throw new InvalidDataException($"{path} holds a {content.Kind} model, not a classifier; {Needed}");
        var model = ClassifierCheckpoint.FromContent(path, content).Model;
        if (Refusal(model) is { } what) throw new InvalidDataException($"{path} is {what}; {Needed}");
        return model;
    }

    /// <summary>Throws when <paramref name="classifier"/> is not a LeNet-5 (a caller that did not read it with <see cref="Load"/>).</summary>
    /// <exception cref="ArgumentException">Another classifier; <paramref name="source"/> names it at the start of the message ("The classifier").</exception>
    public static void Ensure(ClassifierModel classifier, string source)
    {
        if (Refusal(classifier) is { } what) throw new ArgumentException($"{source} is {what}; {Needed}");
    }

    /// <summary>What <paramref name="classifier"/> is when it is not a LeNet-5 ("a classifier of architecture mlp, not a LeNet-5"), or null.</summary>
    private static string? Refusal(ClassifierModel classifier)
    {
        if (!classifier.Architecture.Equals(Name, StringComparison.OrdinalIgnoreCase))
            return $"a classifier of architecture {classifier.Architecture}, not a LeNet-5";
        // The name alone could be on a network of another shape (a hand-edited header): its features are what is measured.
        if (classifier.Network is not Sequential { Children.Count: >= 2 } network)
            return $"a {Name} classifier whose network is not a sequence of layers";
        int units = new Sequential(network.Children.Take(network.Children.Count - 1)).OutputShape(classifier.InputShape).Aggregate(1, (a, b) => a * b);
        return units == LeNet5.PenultimateUnits ? null : $"a {Name} classifier with {units} penultimate features, not LeNet-5's {LeNet5.PenultimateUnits}";
    }
}
