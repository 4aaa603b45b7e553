using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;

namespace NeuralPipelines.Models.Training.Recipes;

/// <summary>The recipe of each architecture and dataset family, as written in docs/EXPERIMENTS.md.</summary>
public static class TrainingRecipes
{
    /// <summary>The dataset families recipes are kept for: the shipped MNIST split (and other 28×28 digit sets), and Fashion-MNIST.</summary>
    public const string Mnist = "mnist", FashionMnist = "fashion-mnist";

    /// <summary>Nielsen's chapter-1 network, one flag away: <c>np train mlp --recipe nielsen</c>.</summary>
    public const string Nielsen = "nielsen";

    private static readonly OptimizerSettings SgdMomentum = new(OptimizerKind.Sgd, 0.9f);
    private static readonly LearningRateSchedule Cosine = new(ScheduleKind.Cosine), Constant = new(ScheduleKind.Constant);
    private static readonly AugmentationOptions ShiftOne = new(MaxRotationDegrees: 0f, MaxShift: 1, BlurProbability: 0f);

    /// <summary>Row 18 of the MLP table ("accuracy floor"): 96.10 % on the shipped MNIST split.</summary>
    public static TrainingRecipe Mlp { get; } = new("mlp", "96.10 % on the shipped MNIST split (docs/EXPERIMENTS.md, MLP row 18)",
        SgdMomentum, 0.1f, 64, 10, Constant, CostKind.LogLikelihood, EvaluateTrainingSet: true,
        Mlp: new MlpShape([100], "relu", Initializer.He));

    /// <summary>Nielsen ch. 1, row 1 of the MLP table: [784,30,10] sigmoid, quadratic cost, N(0,1), η 3.0, batch 10, 30 epochs.</summary>
    public static TrainingRecipe NielsenMlp { get; } = new("mlp/nielsen", "91.95 % on the shipped MNIST split (docs/EXPERIMENTS.md, MLP row 1; the book: ≈95 % on 50k images)",
        new OptimizerSettings(OptimizerKind.Sgd), 3.0f, 10, 30, Constant, CostKind.Quadratic, EvaluateTrainingSet: true,
        Mlp: new MlpShape([30], "sigmoid", Initializer.Normal));

    public static TrainingRecipe LeNet5Mnist { get; } = new("lenet5/mnist", "98.15 % on the shipped MNIST split (docs/EXPERIMENTS.md)",
        SgdMomentum, 0.05f, 64, 10, Cosine, CostKind.LogLikelihood, AugmentationOptions.Standard);

    public static TrainingRecipe LeNet5Fashion { get; } = new("lenet5/fashion-mnist", "90.53 % on Fashion-MNIST (docs/EXPERIMENTS.md)",
        new OptimizerSettings(OptimizerKind.Adam), 0.002f, 64, 10, Cosine, CostKind.LogLikelihood);

    /// <summary>The deeper zoo networks share one recipe on Fashion-MNIST: SGD with momentum, η 0.1, batch 128, cosine,
    /// weight decay 30/n (5·10⁻⁴ at 60k images), 1-pixel shifts; only the epoch count (and AlexNet's dropout) differ.</summary>
    private static TrainingRecipe DeepFashion(string name, int epochs, string result, float dropout = 0f) =>
        new($"{name}/fashion-mnist", result, SgdMomentum, 0.1f, 128, epochs, Cosine, CostKind.LogLikelihood, ShiftOne, L2: 30f, Dropout: dropout);

    private static readonly TrainingRecipe[] All =
    [
        Mlp, NielsenMlp, LeNet5Mnist, LeNet5Fashion,
        DeepFashion("resnet", 10, "92.88 % on Fashion-MNIST (docs/EXPERIMENTS.md)"),
        DeepFashion("googlenet", 8, "91.80 % on Fashion-MNIST (docs/EXPERIMENTS.md)"),
        DeepFashion("vgg", 6, "91.54 % on Fashion-MNIST (docs/EXPERIMENTS.md)"),
        DeepFashion("alexnet", 10, "91.73 % on Fashion-MNIST (docs/EXPERIMENTS.md)", dropout: 0.2f),
    ];

    public static IReadOnlyList<TrainingRecipe> Known => All;

    /// <summary>The dataset family a dataset name or folder belongs to.</summary>
    public static string FamilyOf(string dataset) =>
        dataset.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? FashionMnist : Mnist;

    /// <summary>The recipe for <paramref name="architecture"/> on <paramref name="dataset"/> (a name or folder), or the named
    /// recipe (<see cref="Nielsen"/>). A network without a row for that family takes its row for the other family: the
    /// settings that trained it there are the best known start.</summary>
    public static TrainingRecipe For(string architecture, string dataset, string? recipe = null)
    {
        string arch = architecture.ToLowerInvariant();
        if (recipe is not null)
        {
            if (recipe.Equals(Nielsen, StringComparison.OrdinalIgnoreCase))
                return arch == "mlp" ? NielsenMlp : throw new ArgumentException($"The {Nielsen} recipe is Nielsen's MLP; {architecture} has none by that name.");
            return All.FirstOrDefault(r => r.Name.Equals(recipe, StringComparison.OrdinalIgnoreCase))
                   ?? throw new ArgumentException($"Unknown recipe '{recipe}': use {Nielsen} or one of {string.Join(", ", All.Select(r => r.Name))}.");
        }
        if (arch == "mlp") return Mlp;
        string family = FamilyOf(dataset);
        return All.FirstOrDefault(r => r.Name == $"{arch}/{family}")
               ?? All.FirstOrDefault(r => r.Name.StartsWith(arch + "/", StringComparison.Ordinal))
               ?? new TrainingRecipe($"{arch}/{family}", "no documented run yet: the LeNet-5 MNIST settings",
                   SgdMomentum, 0.05f, 64, 10, Cosine, CostKind.LogLikelihood);
    }
}
