using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>Measures a generator against a dataset's test split (issue 10, point 5): MMD², the classes a LeNet-5 trained
/// on the same data sees in the samples and how sure it is, the Fréchet distance of its features ("LeNet FID"), and the
/// Parzen-window log-likelihood of the test images. <see cref="EvaluateReal"/> puts real training images through the
/// same measures: the floor (MMD², FID) or ceiling (classes, confidence, likelihood) a generator can reach.</summary>
public static class GeneratorEvaluator
{
    /// <summary>Evaluates the images <paramref name="draw"/> returns (count → count·784 pixels in [0, 1]).</summary>
    /// <exception cref="ArgumentException"><paramref name="classifier"/> is not a LeNet-5 (<see cref="LeNetJudge"/>); nothing is drawn.</exception>
    public static GeneratorReport Evaluate(Func<int, float[]> draw, ClassifierModel classifier, TrainTestSplit split, GeneratorEvaluationSizes? sizes = null)
    {
        // Checked before drawing: the samples of a large generator take a while, and a wrong judge makes them worthless.
        LeNetJudge.Ensure(classifier, "The classifier");
        sizes ??= new GeneratorEvaluationSizes();
        int count = Math.Max(sizes.Samples, sizes.MmdSamples);
        var pixels = draw(count);
        if (pixels.Length != count * split.Test.ImageLength)
            throw new ArgumentException($"The generator drew {pixels.Length} values for {count} images of {split.Test.ImageLength} pixels.");
        return Measure(pixels, classifier, split, sizes);
    }

    /// <summary>The same measures for real training images in place of samples: the first ones, up to the sample count,
    /// leaving out the held-out images that choose the Parzen σ.</summary>
    public static GeneratorReport EvaluateReal(ClassifierModel classifier, TrainTestSplit split, GeneratorEvaluationSizes? sizes = null)
    {
        LeNetJudge.Ensure(classifier, "The classifier");
        sizes ??= new GeneratorEvaluationSizes();
        var train = split.Train;
        int available = train.Count - HeldOut(train, sizes);
        int count = Math.Min(Math.Max(sizes.Samples, sizes.MmdSamples), available);
        return Measure(train.Pixels.AsSpan(0, count * train.ImageLength).ToArray(), classifier, split, sizes);
    }

    private static int HeldOut(LabelledImages train, GeneratorEvaluationSizes sizes)
    {
        if (train.Count <= sizes.ValidationImages)
            throw new ArgumentException($"{train.Source} has {train.Count} training images; {sizes.ValidationImages} are held out to choose the Parzen σ, and real samples need more.");
        return sizes.ValidationImages;
    }

    private static GeneratorReport Measure(float[] samples, ClassifierModel classifier, TrainTestSplit split, GeneratorEvaluationSizes sizes)
    {
        var (train, test) = (split.Train, split.Test);
        classifier.EnsureFits(test);
        int d = test.ImageLength, n = samples.Length / d;

        int mmdCount = Math.Min(Math.Min(sizes.MmdSamples, n), test.Count);
        double mmd2 = Mmd.Squared(new Tensor(samples[..(mmdCount * d)], mmdCount, d), new Tensor(test.Pixels[..(mmdCount * d)], mmdCount, d), Mmd.DefaultSigmas);

        int sampleCount = Math.Min(sizes.Samples, n);
        var seen = ClassifierReadout.Of(classifier, samples.AsSpan(0, sampleCount * d), sizes.BatchSize);
        var real = ClassifierReadout.Of(classifier, test.Pixels, sizes.BatchSize);
        var shares = ClassShares.Of(seen);
        double fid = FrechetDistance.Between(GaussianFit.Of(seen.Features, seen.Count, seen.FeatureCount),
            GaussianFit.Of(real.Features, real.Count, real.FeatureCount));

        int validation = HeldOut(train, sizes);
        var parzen = ParzenWindow.Estimate(samples.AsSpan(0, sampleCount * d), train.Pixels.AsSpan((train.Count - validation) * d), test.Pixels, d);

        return new GeneratorReport(mmd2, shares.Shares, shares.ClassesPresent, double.IsFinite(shares.MostToLeast) ? shares.MostToLeast : null,
            shares.MeanConfidence, shares.ClassConfidence, fid, parzen.LogLikelihood, parzen.StandardError, parzen.Sigma, parzen.SigmaAtGridEdge,
            sampleCount, mmdCount, test.Count, validation);
    }
}
