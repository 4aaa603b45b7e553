using System.CommandLine;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>The options of <c>np train gan</c> that only a GAN takes: its latent, its networks' width, and variants of the
/// adversarial game. Each defaults to the recipe's value (<see cref="GenerativeOptions.For"/>); a checkpoint fixes them,
/// so a resumed run refuses them.</summary>
internal sealed class GanTrainOptions
{
    public readonly Option<int?> LatentMixture = new("--latent-mixture") { Description = $"gan: draw z from a mixture of K Gaussians N(μ_c, σ²I), μ_c ~ U(−1, 1)⁶⁴, stored with the model, in place of N(0, I); sampling may then narrow the components (np sample --component-sd). K at most {Models.Generative.LatentMixture.MaxComponents:N0}; absent: N(0, I)." };
    public readonly Option<float?> ComponentSd = new("--component-sd") { Description = $"gan with --latent-mixture: σ of the components in training (absent: {Models.Generative.LatentMixture.TrainingSd}; at 0.5 the Fashion-MNIST GAN collapsed, docs/EXPERIMENTS.md)." };
    public readonly Option<int?> Features = new("--features") { Description = $"gan: channels of both DCGAN networks' 14×14 layers, the 7×7 ones twice as many, at most {Models.Generative.Networks.Dcgan.MaxFeatures:N0} (absent: {Models.Generative.Networks.Dcgan.Features}, the peer's)." };
    public readonly Option<float?> DiscriminatorLearningRate = new("--discriminator-lr") { Description = "gan: the discriminator's own Adam η, on the same schedule as --lr, which then sets the generator's alone (two time-scale rates, Heusel et al. 2017). Absent: the same η for both." };
    public readonly Option<float?> LabelSmoothing = new("--label-smoothing") { Description = "gan: one-sided label smoothing s in [0, 0.5): the discriminator's target for real images is 1 − s (Salimans et al. 2016). Absent: 0." };
    public readonly Option<float?> TopK = new("--top-k") { Description = "gan: the generator learns only from the share F in (0, 1] of each batch that the discriminator rates most real (Sinha et al. 2020). Absent: 1, the whole batch." };

    public IEnumerable<Option> All => [LatentMixture, ComponentSd, Features, DiscriminatorLearningRate, LabelSmoothing, TopK];

    /// <summary>Refuses any of these options for a model that is not a GAN (<paramref name="what"/> names it).</summary>
    public void RefuseFor(ParseResult parse, string what)
    {
        var given = parse.NamesGiven(All);
        if (given.Count > 0) throw new ArgumentException($"{string.Join(", ", given)}: only a gan takes {(given.Count == 1 ? "it" : "them")}; {what}.");
    }

    /// <summary><paramref name="options"/> (valid) with each value given on the command line in place of its own; a value
    /// that is out of range is refused with its option's name.</summary>
    public GenerativeOptions Apply(ParseResult parse, GenerativeOptions options)
    {
        if (parse.GetValue(LatentMixture) is < 1 and var bad)
            throw new ArgumentException($"--latent-mixture must be at least 1 component, got {bad} (absent: z ~ N(0, I)).");
        if (parse.GetResult(ComponentSd) is { Implicit: false } && parse.GetValue(LatentMixture) is null)
            throw new ArgumentException("--component-sd sets the σ of a latent mixture's components in training: give --latent-mixture K with it.");
        var o = Set(parse, LatentMixture, options, (x, v) => x with { LatentComponents = v });
        o = Set(parse, ComponentSd, o, (x, v) => x with { LatentSd = v });
        o = Set(parse, Features, o, (x, v) => x with { Features = v });
        o = Set(parse, DiscriminatorLearningRate, o, (x, v) => x with { DiscriminatorLearningRate = v });
        o = Set(parse, LabelSmoothing, o, (x, v) => x with { LabelSmoothing = v });
        return Set(parse, TopK, o, (x, v) => x with { TopK = v });
    }

    private static GenerativeOptions Set<T>(ParseResult parse, Option<T?> option, GenerativeOptions o, Func<GenerativeOptions, T, GenerativeOptions> with)
        where T : struct
    {
        if (parse.GetValue(option) is not T value) return o;
        var changed = with(o, value);
        try { changed.Validate(); }
        catch (OptionRangeException) { throw; }   // names its own option
        catch (ArgumentException e) { throw new ArgumentException($"{option.Name}: {e.Message}"); }
        return changed;
    }
}
