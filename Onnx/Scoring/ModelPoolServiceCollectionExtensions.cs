using Microsoft.Extensions.DependencyInjection;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>Registers a <see cref="ModelPool{TIn, TOut}"/> in an app's container (ASP.NET Core's <c>builder.Services</c>).</summary>
public static class ModelPoolServiceCollectionExtensions
{
    /// <summary>Adds one pool over <paramref name="path"/> as a singleton: opened on first use, shared by every request,
    /// disposed with the container. Inject <c>ModelPool&lt;TIn, TOut&gt;</c> and call <c>Predict</c>.</summary>
    public static IServiceCollection AddModelPool<TIn, TOut>(this IServiceCollection services, string path, ModelPoolOptions? options = null)
        where TIn : class, new() where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return services.AddSingleton(_ => new ModelPool<TIn, TOut>(path, options));
    }
}
