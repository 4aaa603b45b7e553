using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>Planted label bugs for the accuracy gates' failure tests: the same images with labels shifted by one (a
/// network learns that confidently and is wrong on nearly every test digit) or shuffled (it can learn nothing).</summary>
public static class WrongLabels
{
    public static LabelledImages Shifted(LabelledImages images) =>
        With(images, "labels shifted by one", images.Labels.Select(l => (l + 1) % images.Classes).ToArray());

    public static LabelledImages Shuffled(LabelledImages images, int seed = 7)
    {
        var labels = (int[])images.Labels.Clone();
        new Random(seed).Shuffle(labels);
        return With(images, "labels shuffled", labels);
    }

    private static LabelledImages With(LabelledImages images, string defect, int[] labels) =>
        new($"{images.Source} ({defect})", images.Pixels, labels, images.Channels, images.Height, images.Width, images.Classes);
}
