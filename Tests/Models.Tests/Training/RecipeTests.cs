using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>Each recipe trains, and what it says reaches the optimiser, the schedule and the batches; a choice replaces
/// one value and leaves the rest.</summary>
public class RecipeTests
{
    private static TrainTestSplit Tiny => MnistTrainingTests.Mnist.Value with
    {
        Train = MnistTrainingTests.Mnist.Value.Train.Take(48),
        Test = MnistTrainingTests.Mnist.Value.Test.Take(16),
    };

    public static TheoryData<string> Names => new(TrainingRecipes.Known.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_recipe_trains_and_its_settings_reach_the_optimiser(string name)
    {
        var recipe = TrainingRecipes.Known.Single(r => r.Name == name);
        string architecture = name.Split('/')[0];
        var (model, state) = ClassifierSetup.Start(architecture, Tiny.Train, recipe, new TrainingChoices { Epochs = 1 });
        var result = new Trainer(model, state).Fit(Tiny);

        Assert.Equal(recipe.Cost, model.Cost);
        Assert.Equal(recipe.Optimizer, state.Optimizer!.Settings);
        Assert.Equal(recipe.Optimizer.Kind == OptimizerKind.Adam ? typeof(Adam) : typeof(Sgd), state.Optimizer.GetType());
        Assert.Equal((recipe.BatchSize, recipe.L2, recipe.Augmentation), (state.Options.BatchSize, state.Options.L2, state.Options.Augmentation));
        Assert.Equal(recipe.Schedule.RateAt(recipe.LearningRate, 0, 1), result.History[0].LearningRate);
        Assert.Equal((Tiny.Train.Count + recipe.BatchSize - 1) / recipe.BatchSize, state.Optimizer.Steps);
        Assert.True(double.IsFinite(result.History[0].TrainLoss));
        Assert.Equal(name, model.Metadata["recipe"]);
    }

    [Fact]
    public void A_choice_replaces_one_value_and_keeps_the_others()
    {
        var recipe = TrainingRecipes.LeNet5Mnist;
        var options = ClassifierSetup.Options(recipe, new TrainingChoices { LearningRate = 0.01f });
        Assert.Equal(recipe.ToOptions() with { LearningRate = 0.01f }, options);
        var off = ClassifierSetup.Options(recipe, new TrainingChoices { Augmentation = new(0f, 0, 0f) });
        Assert.Null(off.Augmentation);
        // Adam with an SGD rate diverges: switching without a rate takes Adam's usual one.
        Assert.Equal(0.001f, ClassifierSetup.Options(recipe, new TrainingChoices { Optimizer = OptimizerKind.Adam }).LearningRate);
    }

    [Fact]
    public void Recipes_are_found_by_architecture_and_dataset_family()
    {
        Assert.Same(TrainingRecipes.LeNet5Mnist, TrainingRecipes.For("lenet5", "mnist"));
        Assert.Same(TrainingRecipes.LeNet5Fashion, TrainingRecipes.For("LeNet5", "/usr/share/datasets/fashion-mnist"));
        Assert.Same(TrainingRecipes.Mlp, TrainingRecipes.For("mlp", "fashion-mnist"));
        Assert.Same(TrainingRecipes.NielsenMlp, TrainingRecipes.For("mlp", "mnist", "nielsen"));
        Assert.Equal("resnet/fashion-mnist", TrainingRecipes.For("resnet", "mnist").Name); // its only documented row
        var e = Assert.Throws<ArgumentException>(() => TrainingRecipes.For("lenet5", "mnist", "nielsen"));
        Assert.Contains("Nielsen's MLP", e.Message);
    }
}
