"""The GraphQL schema: the contract's operations (CONTRACT.md) and ours."""

import graphene

from .mutations import assets, interchange, progress, state, stories, tokens, users
from .analysis import AnalysisQuery
from .analytics import AnalyticsQuery
from .queries import Query as ContractQuery


class Mutation(graphene.ObjectType):
    login = users.Login.Field()
    token_auth = users.ObtainToken.Field()
    verify_token = tokens.VerifyToken.Field()
    refresh_token = tokens.RefreshToken.Field()
    revoke_token = tokens.RevokeToken.Field()
    sign_out_everywhere = users.SignOutEverywhere.Field()
    create_user = users.CreateUser.Field()
    update_user = users.UpdateUser.Field()
    delete_user = users.DeleteUser.Field()

    create_scenario = stories.CreateScenario.Field()
    update_scenario = stories.UpdateScenario.Field()
    delete_scenario = stories.DeleteScenario.Field()
    publish_scenario = stories.PublishScenario.Field()
    unpublish_scenario = stories.UnpublishScenario.Field()
    create_scene = stories.CreateScene.Field()
    update_scene = stories.UpdateScene.Field()
    delete_scene = stories.DeleteScene.Field()
    create_choice = stories.CreateChoice.Field()
    update_choice = stories.UpdateChoice.Field()
    delete_choice = stories.DeleteChoice.Field()
    delete_choices = stories.DeleteChoices.Field()

    declare_variable = state.DeclareVariable.Field()
    update_variable = state.UpdateVariable.Field()
    delete_variable = state.DeleteVariable.Field()
    declare_item = state.DeclareItem.Field()
    update_item = state.UpdateItem.Field()
    delete_item = state.DeleteItem.Field()

    create_asset = assets.CreateAsset.Field()
    update_asset = assets.UpdateAsset.Field()
    delete_asset = assets.DeleteAsset.Field()
    generate_asset = assets.GenerateAsset.Field()
    upload_asset = assets.UploadAsset.Field()

    create_progress = progress.CreateProgress.Field()
    record_progress = progress.RecordProgress.Field()
    update_progress = progress.UpdateProgress.Field()
    delete_progress = progress.DeleteProgress.Field()
    go_back_in_history = progress.GoBackInHistory.Field()
    start_scenario = progress.StartScenario.Field()
    make_choice = progress.MakeChoice.Field()
    reset_progress = progress.ResetProgress.Field()

    import_story = interchange.ImportStory.Field()
    export_story = interchange.ExportStory.Field()


class Query(AnalyticsQuery, AnalysisQuery, ContractQuery):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
